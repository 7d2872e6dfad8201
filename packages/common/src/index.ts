export { createLogger, type Logger, type LoggerOptions } from './log.js';
export { parseDuration } from './duration.js';
export { parseHostPort, formatHostPort, type HostPort } from './address.js';
export { createMetricsRegistry } from './metrics.js';
export { startHealthServer, healthHandler, type HealthServer, type HealthServerOptions, type Check } from './health-server.js';
export { GrpcError, StartupError, createGrpcServer, bindGrpcServer, routeGrpcLogs, shutdownGrpcServer, type GrpcServerOptions } from './grpc.js';
export { handleShutdownSignals } from './shutdown.js';
export { envOption, OptionsError, durationOption, boolOption, hostPortOption, compileLeaderElection, type LeaderElectionFlags, type LeaderElectionTiming } from './options.js';
