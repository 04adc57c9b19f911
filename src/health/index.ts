export * from './classify';
export * from './gate';
export * from './sequential';
export * from './totals';
export * from './window';
