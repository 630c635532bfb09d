// Vite's `?url` imports: the file is copied into the build output and its URL imported.
declare module '*?url' {
  const url: string;
  export default url;
}
