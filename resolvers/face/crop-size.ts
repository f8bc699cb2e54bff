import { fieldFailure } from '../../src/errors';

const MIN_CROP_SIZE = 16;

/** A crop's `size` argument, 16 to `max` (MAX_CROP_SIZE), or the field's BAD_USER_INPUT error. */
export function checkSize(size: number, max: number): void {
  if (!Number.isInteger(size) || size < MIN_CROP_SIZE || size > max) {
    throw fieldFailure('BAD_USER_INPUT', `size must be from ${MIN_CROP_SIZE} to ${max} (got ${size}).`, { argument: 'size' });
  }
}
