import { EntityManager } from 'typeorm';

/**
 * How many licence seats are taken. The licence does not read the table the seats live in: the
 * accounts feature binds this port (AccountsRepositoryModule), so the licence depends on a count,
 * not on the accounts.
 */
export abstract class SeatCounter {
  /**
   * Seats in use now. Given the seat-check transaction, the count sees the latest committed rows
   * (not the transaction's snapshot), so concurrent creates queued on the seat row count each other.
   */
  abstract seatsUsed(em?: EntityManager): Promise<number>;
}
