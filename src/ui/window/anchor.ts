/**
 * Runs `change` (which renders rows in or out of `scroller`, or reorders them) so that the row at the
 * top of the viewport stays where the reader sees it: the first row matching `rowSelector` whose
 * bottom is below the viewport's top keeps its offset from that top.
 */
export function keepingPlace(
  scroller: HTMLElement | undefined,
  rowSelector: string,
  change: () => void,
): void {
  if (!scroller) {
    change();
    return;
  }
  const top = scroller.getBoundingClientRect().top;
  const anchor = [...scroller.querySelectorAll<HTMLElement>(rowSelector)].find(
    (el) => el.getBoundingClientRect().bottom > top,
  );
  const offset = anchor ? anchor.getBoundingClientRect().top - top : 0;
  change();
  if (anchor?.isConnected) scroller.scrollTop += anchor.getBoundingClientRect().top - top - offset;
}
