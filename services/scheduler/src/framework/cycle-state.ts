/**
 * Data one scheduling cycle's plugins share (a PreFilter's precomputation read by its
 * Filter). Created per pod attempt and passed explicitly; never global.
 */
export class CycleState {
  private readonly data = new Map<string, unknown>();

  write<T>(key: string, value: T): void {
    this.data.set(key, value);
  }

  read<T>(key: string): T | undefined {
    return this.data.get(key) as T | undefined;
  }
}
