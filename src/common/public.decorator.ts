import { SetMetadata } from '@nestjs/common';

export const IS_PUBLIC = 'hw:public';
/** The route needs no token (health, docs, metrics). */
export const Public = () => SetMetadata(IS_PUBLIC, true);
