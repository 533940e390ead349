/** Now, to the second: what a MariaDB DATETIME keeps, so an answer matches a later read. */
export function nowToTheSecond(): Date {
  return new Date(Math.floor(Date.now() / 1000) * 1000);
}
