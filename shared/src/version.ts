/** The runtime's version, recorded in every trace. Kept in step with shared/package.json (a unit test checks). */
export const RUNTIME_VERSION = '0.1.0';
