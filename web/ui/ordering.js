// Manual order: moving one item among its siblings writes `order` as the midpoint between
// its new neighbours; when the others are not strictly increasing (every todo starts at 0,
// so the server's order would be arbitrary) the siblings are numbered anew.

const STEP = 1024;

/**
 * @param {{id: string, order: number}[]} list  the siblings as shown
 * @param {number} from  index of the moved item
 * @param {number} to    its index once moved
 * @returns {{id: string, order: number}[]} the writes to make (none when nothing moves)
 */
export function reorderWrites(list, from, to) {
  if (from === to || from < 0 || to < 0 || to >= list.length) return [];
  const moved = list.slice();
  const [item] = moved.splice(from, 1);
  moved.splice(to, 0, item);
  const ord = (x) => Number(x.order) || 0;
  const others = moved.filter((x) => x !== item);
  const increasing = others.every((x, i) => i === 0 || ord(x) - ord(others[i - 1]) > 1e-6);
  const prev = moved[to - 1];
  const next = moved[to + 1];
  let order = null;
  if (prev && next) {
    if (ord(next) - ord(prev) > 1e-6) order = (ord(prev) + ord(next)) / 2;
  } else if (prev) order = ord(prev) + STEP;
  else if (next) order = ord(next) - STEP;
  if (order != null && increasing) return [{ id: item.id, order }];
  return moved.map((x, i) => ({ id: x.id, order: (i + 1) * STEP })).filter((w, i) => ord(moved[i]) !== w.order);
}
