import { ValueTransformer } from 'typeorm';

/** mysql2 answers BIGINT as a string; these values (epoch ms, row ids) are safe integers. */
export const BIGINT_AS_NUMBER: ValueTransformer = {
  to: (value: unknown) => value,
  from: (value: unknown) => (value === null || value === undefined ? value : Number(value)),
};
