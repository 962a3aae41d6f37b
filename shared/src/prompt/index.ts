export { buildPrompt, messageBlock, parseMessageBlock, guidanceRules, DEFAULT_INSTRUCTIONS, MESSAGE_OPEN, MESSAGE_CLOSE, type PromptInput } from './build.js';
