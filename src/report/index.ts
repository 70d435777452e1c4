export { renderConsole, type RenderOptions } from './console.js';
export { renderJson } from './json.js';
export { validateResult, resultSchema, type ValidationOutcome } from './validate-result.js';
