export { createLogWriter, type LogWriter, type LogWriterOptions } from './writer.js';
export { readLogs, type ReadLogsOptions } from './reader.js';
export { markLogFinished, isFinished as isLogFinished, finishedMarker, rotatedFiles } from './log-files.js';
export { parseRecord, formatTimestamp, parseTimestamp, type LogRecord, type LogStream } from './cri-format.js';
