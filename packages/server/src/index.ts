export { apiRoutes, buildApp } from './app.js';
export type { AppContext } from './app-context.js';
export { type Config, ConfigError, loadConfig } from './config/config.js';
export { ApiError } from './http/errors.js';
export { openContext } from './lifecycle/open-context.js';
export {
  createLogger,
  handleShutdownSignals,
  type RunningServer,
  startServer,
} from './lifecycle/start-server.js';
export { VERSION } from './version.js';
