// Runs the CLI from source, so tests can start `nakhoda schedule run` as a process and kill it.
import { main } from '../../src/cli/main.js';

void main(process.argv).then((code) => process.exit(code));
