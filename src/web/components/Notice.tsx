// A notification banner: what just happened ("Saved", "Invitation sent"), announced to screen readers as a
// status. Nothing when there is nothing to say. `kind` "important" is for what needs the reader's action.
export function Notice({ text, kind }: { text: string | undefined; kind?: "success" | "important" }) {
  if (!text) return "";
  return kind === "important" ? (
    <div class="notice notice--important" role="alert" safe>
      {text}
    </div>
  ) : (
    <div class="notice" role="status" safe>
      {text}
    </div>
  );
}
