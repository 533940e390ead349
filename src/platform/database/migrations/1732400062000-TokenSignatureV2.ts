import { MigrationInterface, QueryRunner, TableColumn } from 'typeorm';
import { col } from '../columns';

/** api_tokens.require_signature_v2: a signing token that accepts only version-2 signatures. */
export class TokenSignatureV21732400062000 implements MigrationInterface {
  name = 'TokenSignatureV21732400062000';

  async up(q: QueryRunner): Promise<void> {
    await q.addColumn('api_tokens', new TableColumn(col.bool('require_signature_v2')));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropColumn('api_tokens', 'require_signature_v2');
  }
}
