export { parseCommandLine } from './command-line.ts';
export { flag, logLevel, nodeEnv, optionalUrl, port, positiveInt, processFields, url, urlList } from './fields.ts';
export { ConfigError, type ConfigRow, describeConfig, isConfigError, loadConfig } from './load-config.ts';
export { refuseDevelopmentCredentials } from './production.ts';
