import { Command, Option } from 'commander';
import { catalogEntries, renderCatalogMarkdown, renderCatalogTable, SCENARIOS } from '../doer/index.js';
import { oneOf } from './options.js';

const OUTPUTS = ['table', 'json', 'markdown'] as const;

export function registerScenarios(program: Command): void {
  program
    .command('scenarios')
    .description('list the diagnosis scenarios Nakhoda checks')
    .addOption(new Option('-o, --output <format>', 'table, json or markdown').default('table').argParser(oneOf('-o', OUTPUTS)))
    .action((flags: { output: (typeof OUTPUTS)[number] }) => {
      if (flags.output === 'json') process.stdout.write(`${JSON.stringify(catalogEntries(SCENARIOS), null, 2)}\n`);
      else if (flags.output === 'markdown') process.stdout.write(renderCatalogMarkdown(SCENARIOS));
      else process.stdout.write(renderCatalogTable(SCENARIOS));
    });
}
