export * from './http/error-body.js';
