import { Column, Entity, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';

/** A MariaDB database of an account, `{username}_…`, on the hosting database server. */
@Entity('hosting_databases')
export class HostingDatabase {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ name: 'account_id', type: 'integer' })
  accountId: number;

  @Column({ type: 'varchar', length: 64, unique: true })
  name: string;

  @Column({ name: 'created_at', type: 'datetime' })
  createdAt: Date;
}

/** A MariaDB user of an account, `{username}_…`. Its password lives only on the database server. */
@Entity('hosting_database_users')
export class HostingDatabaseUser {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ name: 'account_id', type: 'integer' })
  accountId: number;

  @Column({ type: 'varchar', length: 80, unique: true })
  name: string;

  @Column({ name: 'created_at', type: 'datetime' })
  createdAt: Date;
}

/** The user has ALL PRIVILEGES on the database (both of the same account). */
@Entity('hosting_database_grants')
export class HostingDatabaseGrant {
  @PrimaryColumn({ name: 'user_id', type: 'integer' })
  userId: number;

  @PrimaryColumn({ name: 'database_id', type: 'integer' })
  databaseId: number;
}
