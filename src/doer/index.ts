export { diagnose, filterFindings, summarise, atOrAbove, compareFindings, type DiagnoseOptions } from './engine.js';
export { SCENARIOS } from './scenarios/index.js';
export { renderTable, renderJson, renderMarkdown, renderCatalogTable, renderCatalogMarkdown, catalogEntries, type CatalogEntry } from './render.js';
export * from './types.js';
