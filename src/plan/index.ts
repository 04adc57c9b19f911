export * from './schema';
export * from './duration';
