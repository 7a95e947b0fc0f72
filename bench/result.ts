/** One benchmark figure; `targetMs` when the issue sets a target, so the ratio can be printed beside it. */
export interface BenchResult {
  readonly name: string;
  readonly ms: number;
  readonly targetMs?: number;
}
