export * from './contract.js';
export * from './records.js';
