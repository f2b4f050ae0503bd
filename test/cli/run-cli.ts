// Runs the CLI from source (through tsx) so tests need no build step; bin/nakhoda.js does the same from dist/.
import { main } from '../../src/cli/main.js';

main(process.argv).then((code) => { process.exitCode = code; });
