import { ApiProperty } from '@nestjs/swagger';
import { isoUtc } from '../../common/dates';
import { HostingDatabase, HostingDatabaseUser } from '../hosting-database.entity';

export class DatabaseView {
  @ApiProperty({ example: 'alice_shop' })
  name: string;
  /** The account's database users that may use it. */
  @ApiProperty({ example: ['alice_shop'], type: [String] })
  users: string[];
  @ApiProperty({ example: '2026-04-08T14:32:00Z' })
  created_at: string;

  static of(db: HostingDatabase, users: string[]): DatabaseView {
    return { name: db.name, users, created_at: isoUtc(db.createdAt)! };
  }
}

export class DatabaseUserView {
  @ApiProperty({ example: 'alice_shop' })
  name: string;
  /** The databases it has ALL PRIVILEGES on. */
  @ApiProperty({ example: ['alice_shop'], type: [String] })
  databases: string[];
  @ApiProperty({ example: '2026-04-08T14:32:00Z' })
  created_at: string;

  static of(user: HostingDatabaseUser, databases: string[]): DatabaseUserView {
    return { name: user.name, databases, created_at: isoUtc(user.createdAt)! };
  }
}
