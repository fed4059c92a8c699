export * from './contract';
export { SecretBox } from './secret-box';
