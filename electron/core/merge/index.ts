/** The merge queue: its store (queue-store.ts) and its engine (engine.ts, where the design is written down). */
export { MergeQueue, gateLogFile, resolveEntry, type EnqueueOptions } from './queue-store';
export { processQueue, recoverQueue, type MergeEvent, type MergeStep, type ProcessOptions, type ProcessResult, type RecoveryReport } from './engine';
