// The one place that knows which host the window runs in. Everything else receives a CasebookApi.
import type { CasebookApi } from './contract';
import { createHttpApi } from './http';
import { takeLaunchToken, type TokenEnvironment } from './token';

export type { CasebookApi } from './contract';
export { ApiCallError, toFailure } from './errors';

export interface HostEnvironment extends TokenEnvironment {
  casebook?: CasebookApi;
}

/** Electron's preload bridge when present, otherwise the browser host over HTTP. Chosen once at start. */
export function chooseApi(env: HostEnvironment, fetchImpl?: typeof fetch): CasebookApi {
  if (env.casebook) return env.casebook;
  return createHttpApi({ token: takeLaunchToken(env), fetch: fetchImpl });
}

/** The API for this window: always a real host (the dev server too runs a real backend; see vite.config.ts). */
export async function createApi(): Promise<CasebookApi> {
  return chooseApi(window);
}
