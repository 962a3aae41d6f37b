export * from './names.js';
export * from './contract.js';
export * from './records.js';
export * from './teach-schemas.js';
export * from './draft-schemas.js';
