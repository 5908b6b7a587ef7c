/** A growable list of uint32 flat indices (appending in ascending order stays sorted). */
export class IndexListBuilder {
  private buffer = new Uint32Array(64);
  private length = 0;

  push(index: number): void {
    if (this.length === this.buffer.length) {
      const grown = new Uint32Array(this.buffer.length * 2);
      grown.set(this.buffer);
      this.buffer = grown;
    }
    this.buffer[this.length++] = index;
  }

  finish(): Uint32Array {
    return this.buffer.slice(0, this.length);
  }
}
