// The one way this service batches: group (or flatten) the items, make one call, put the answers
// back in the items' order, and check that every item got exactly one, as DataLoader does.

export interface Groups<T, K> {
  /** In the order each key first appears. */
  groups: Array<{ key: K; items: T[] }>;
  /** One answer list per group (in group order) -> one answer per item, in the items' order. */
  scatter<R>(answers: readonly (readonly R[])[]): R[];
}

export function groupBy<T, K>(items: readonly T[], keyOf: (item: T) => K): Groups<T, K> {
  const indexes = new Map<K, number[]>();
  items.forEach((item, i) => {
    const key = keyOf(item);
    const members = indexes.get(key);
    if (members) members.push(i);
    else indexes.set(key, [i]);
  });
  const entries = [...indexes];
  return {
    groups: entries.map(([key, members]) => ({ key, items: members.map((i) => items[i] as T) })),
    scatter<R>(answers: readonly (readonly R[])[]): R[] {
      if (answers.length !== entries.length) throw new Error(`${answers.length} answer lists for ${entries.length} groups`);
      const results = new Array<R>(items.length);
      entries.forEach(([, members], k) => {
        const answer = answers[k] as readonly R[];
        if (answer.length !== members.length) throw new Error(`group ${k} got ${answer.length} answers for ${members.length} items`);
        members.forEach((itemIndex, j) => (results[itemIndex] = answer[j] as R));
      });
      return results;
    },
  };
}

/** One call over every list's items at once; its answers split back into one list per input list. */
export async function callFlattened<T, R>(lists: readonly (readonly T[])[], call: (all: T[]) => Promise<readonly R[]>): Promise<R[][]> {
  const all = lists.flat() as T[];
  const answers = all.length ? await call(all) : [];
  if (answers.length !== all.length) throw new Error(`${answers.length} answers for ${all.length} items`);
  let next = 0;
  return lists.map((list) => answers.slice(next, (next += list.length)));
}
