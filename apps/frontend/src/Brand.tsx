/** The product's name and tagline, at the start of the page header. */
export function Brand() {
  return (
    <div className="brand">
      <img src="/favicon.svg" alt="" width={28} height={28} />
      <div>
        <h1>Job runner</h1>
        <p className="tagline">Submit a background job and follow it as it runs.</p>
      </div>
    </div>
  );
}
