// Scoring a model folder on a text set: the paper's log-likelihood protocol, in a browser, a worker or Node.
export { openScorer, scoreModel, type Scorer, type ScoringText, type ScoringProgress, type ModelDescription, type OpenScorerOptions, type ScoreTextsOptions } from './scoreModel.ts';
export { modelFilesFromEntries, modelFilesFromFileList, modelFilesFromBlobs, type ModelFiles, type ModelFileEntry, type ModelFileBlob } from './modelFiles.ts';
export { readModelFolder, maxLengthOf, type ModelFolder, type ModelDtype, type MaxLengthSource } from './modelFolder.ts';
export { recordToJsonLine, parseRecordLines, memoryStore, type ScoreRecord, type ResultStore } from './records.ts';
export { indexedDbStore, clearStored, scoringKey, type ScoringKeyParts } from './indexedDbStore.ts';
export type { ScoringRuntime, DeviceInfo } from './runtime.ts';
export { webRuntime, type WebDevice, type WebRuntimeOptions } from './webRuntime.ts';
export { planBatches, maxBatchTokensFor } from './batches.ts';
