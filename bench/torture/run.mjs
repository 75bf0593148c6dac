// One consolidation through the library of a build (options the CLI does not expose, such as
// `lockWaitMs`), in a process of its own so that the suite can stop, resume or kill it.
//   node run.mjs <dist/index.js of the build> '<json ConsolidateOptions>'
// Prints the result as one JSON line; on an error, `{"error": message}` and exit 1.
import { pathToFileURL } from 'node:url';

const [index, options] = process.argv.slice(2);
const { consolidate } = await import(pathToFileURL(index).href);
try {
  process.stdout.write(`${JSON.stringify(await consolidate(JSON.parse(options)))}\n`);
} catch (error) {
  process.stdout.write(`${JSON.stringify({ error: error.message })}\n`);
  process.exitCode = 1;
}
