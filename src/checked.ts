/**
 * `list[index]`, for indexes the code derives from sizes it has checked; a RangeError instead of
 * `undefined` flowing on (the compiler's noUncheckedIndexedAccess asks every read to say which).
 */
export function at<T>(list: ArrayLike<T>, index: number): T {
  const value = list[index];
  if (value === undefined) throw new RangeError(`index ${index} is outside 0..${list.length - 1}`);
  return value;
}
