import { Injectable, PipeTransform } from '@nestjs/common';
import { DomainError } from './errors/domain-error';

/** A path id that is not a positive whole number names nothing: 404, like an absent row. */
@Injectable()
export class ParseIdPipe implements PipeTransform<string, number> {
  transform(value: string): number {
    if (!/^[1-9]\d{0,15}$/.test(value) || !Number.isSafeInteger(Number(value))) throw new DomainError('not_found', 'Not found');
    return Number(value);
  }
}
