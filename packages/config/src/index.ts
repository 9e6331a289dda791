export { flag, logLevel, nodeEnv, port, positiveInt, processFields, url } from './fields.ts';
export { type ConfigRow, ConfigError, describeConfig, isConfigError, loadConfig } from './load-config.ts';
