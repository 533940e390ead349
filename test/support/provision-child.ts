import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { NestFactory } from '@nestjs/core';
import { DataSource } from 'typeorm';
import { AppModule } from '../../src/app.module';
import { loadConfig } from '../../src/config/app-config';
import { sqlNow } from '../../src/database/columns';
import { AccountProvisioner } from '../../src/provisioning/provisioning.port';

/**
 * A panel process that starts one create the way the accounts API does (row in `provisioning`,
 * then the provisioner), for the SIGKILL test: argv = username domain.
 */
async function main(): Promise<void> {
  const [username, domain] = process.argv.slice(2);
  const app = await NestFactory.createApplicationContext(AppModule.forRoot(loadConfig(process.env)), { logger: false });
  const ds = app.get(DataSource);
  await ds.query(
    "INSERT INTO accounts (guid, username, domain, email, password_hash, package_id, client_id, status, php_version, created_at, updated_at) VALUES (?, ?, ?, ?, 'x', 1, NULL, 'provisioning', '8.2', ?, ?)",
    [randomUUID(), username, domain, `owner@${domain}`, sqlNow(), sqlNow()],
  );
  const [{ id }] = await ds.query('SELECT id FROM accounts WHERE username = ?', [username]);
  process.stdout.write(`inserted ${id}\n`);
  await app.get(AccountProvisioner).create({ id: Number(id), username, domain, email: `owner@${domain}`, phpVersion: '8.2' });
  process.stdout.write('created\n');
  await app.close();
}

void main();
