// Classes with parameter properties, an abstract member, an accessor and a static factory.
export abstract class Shape {
  constructor(readonly name: string) {}
  abstract area(): number;
  describe(): string {
    return `${this.name} ${this.area().toFixed(2)}`;
  }
}

export class Rect extends Shape {
  constructor(private width: number, private height: number) {
    super("rect");
  }
  area(): number {
    return this.width * this.height;
  }
  get perimeter(): number {
    return 2 * (this.width + this.height);
  }
  static square(side: number): Rect {
    return new Rect(side, side);
  }
}
