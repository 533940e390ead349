// The generated SDK names the DOM's BodyInit; this project compiles without the DOM lib, so
// take it from Node's own fetch types.
type BodyInit = NonNullable<ConstructorParameters<typeof Response>[0]>;
