/** A rate as people read it on cards, in the status and in the console: one decimal, none when it is whole ("5%", "2.5%"). */
export function percent(rate: number): string {
  return `${(Math.round(rate * 1000) / 10).toString()}%`;
}
