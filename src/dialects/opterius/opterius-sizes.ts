/** MiB as Opterius writes a size: "Unlimited" for 0, "500 MB" under a GiB, "10 GB" / "1.5 GB" from one. */
export function sizeLabel(mb: number): string {
  if (!mb || mb <= 0) return 'Unlimited';
  if (mb < 1024) return `${mb} MB`;
  return `${Math.round((mb / 1024) * 10) / 10} GB`;
}

/** A monthly traffic allowance: the size with "/mo" ("100 GB/mo"); "Unlimited" stays as it is. */
export function bandwidthLabel(mb: number): string {
  const size = sizeLabel(mb);
  return size === 'Unlimited' ? size : `${size}/mo`;
}
