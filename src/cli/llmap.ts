import { isLlmapError } from '../core/errors.ts';
import { BUILD_MAP_USAGE, buildMapCommand } from './buildMapCommand.ts';
import { CONVERT_USAGE, convertCommand } from './convertCommand.ts';
import { MERGE_USAGE, mergeCommand } from './merge.ts';
import { PLACE_USAGE, placeCommand } from './placeCommand.ts';
import { SCORE_USAGE, scoreCommand } from './score.ts';

const commands: Record<string, (argv: readonly string[]) => Promise<number>> = { score: scoreCommand, merge: mergeCommand, 'build-map': buildMapCommand, place: placeCommand, convert: convertCommand };
const usage = `Usage:\n  ${SCORE_USAGE}\n  ${MERGE_USAGE}\n  ${BUILD_MAP_USAGE}\n  ${PLACE_USAGE}\n  ${CONVERT_USAGE}\n`;

/** The `llmap` command line: dispatches to a command, prints LlmapErrors as sentences and sets the exit code. */
export async function main(argv: readonly string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(usage);
    return name ? 0 : 2;
  }
  const command = commands[name];
  if (!command) {
    process.stderr.write(`llmap: unknown command "${name}".\n${usage}`);
    return 2;
  }
  try {
    return await command(rest);
  } catch (error) {
    if (isLlmapError(error)) {
      process.stderr.write(`\nllmap ${name}: ${error.message}\n`);
      return error.code === 'cancelled' ? 130 : 1;
    }
    throw error;
  }
}
