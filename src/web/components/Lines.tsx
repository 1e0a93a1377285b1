/** Text with its line breaks kept, without a style attribute (the CSP allows none). */
export function Lines({ text }: { text: string }) {
  const lines = text.split("\n");
  return (
    <>
      {lines.map((line, i) => (
        <>
          <span safe>{line}</span>
          {i < lines.length - 1 ? <br /> : null}
        </>
      ))}
    </>
  );
}
