#!/usr/bin/env node
// The `casebook` bin. A committed file rather than the build output, so that npm links it at
// install time even before `npm run build` has made dist/ (in a fresh clone, `npm ci` comes first).
try {
  const { runCli } = await import('../dist/cli/main.js');
  runCli();
} catch (err) {
  if (err && err.code === 'ERR_MODULE_NOT_FOUND' && String(err.message).includes('dist/cli/main.js')) {
    process.stderr.write('casebook: the runtime is not built yet; run `npm run build` in the repository first\n');
    process.exitCode = 70;
  } else {
    throw err;
  }
}
