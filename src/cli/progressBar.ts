import type { ScoringProgress } from '../scoring/scoreModel.ts';

/** Progress on stderr: a redrawn bar on a terminal, a line every 10% otherwise (logs, CI, Kubernetes). */
export function progressPrinter(stream: NodeJS.WriteStream = process.stderr): (progress: ScoringProgress) => void {
  let lastTenth = -1;
  return (progress) => {
    if (progress.kind === 'loading') {
      stream.write(`${progress.stage.replace('-', ' ')}…\n`);
      return;
    }
    const { textsDone, textsTotal, tokensPerSecond, etaSeconds, device } = progress;
    const fraction = textsTotal === 0 ? 1 : textsDone / textsTotal;
    const width = 24;
    const filled = Math.round(fraction * width);
    const line =
      `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${textsDone}/${textsTotal} texts  ` +
      `${Math.round(tokensPerSecond).toLocaleString('en')} tokens/s  ETA ${formatDuration(etaSeconds)}  ${device.backend}`;
    if (stream.isTTY) {
      stream.write(`\r${line}${fraction >= 1 ? '\n' : ''}`);
    } else if (Math.floor(fraction * 10) > lastTenth) {
      lastTenth = Math.floor(fraction * 10);
      stream.write(`${line}\n`);
    }
  };
}

export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '…';
  const whole = Math.round(seconds);
  if (whole < 60) return `${whole}s`;
  if (whole < 3600) return `${Math.floor(whole / 60)}m${String(whole % 60).padStart(2, '0')}s`;
  return `${Math.floor(whole / 3600)}h${String(Math.floor((whole % 3600) / 60)).padStart(2, '0')}m`;
}
