/** `+14155550101` → `+1415***0101`: enough to tell numbers apart in logs, not enough to dial. */
export function maskPhone(phone: string | null | undefined): string {
  if (!phone) return '';
  if (phone.length <= 6) return '***';
  return `${phone.slice(0, 5)}***${phone.slice(-4)}`;
}
