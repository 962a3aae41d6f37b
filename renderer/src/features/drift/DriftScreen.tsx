export function DriftScreen() {
  return (
    <div className="page" data-testid="drift-screen">
      <header className="page-header">
        <h2>Drift</h2>
      </header>
      <div className="state state-empty">
        <p className="state-title">Drift investigation is coming</p>
        <div className="state-body prose">
          <p>Here you will compare extractions side by side over the same messages:</p>
          <ul>
            <li>two rulebook versions, or two models, field by field;</li>
            <li>repeat runs of the same input, to measure agreement;</li>
            <li>production traces imported and replayed, telling rulebook changes from model changes;</li>
            <li>how each field's values shift from week to week.</li>
          </ul>
        </div>
      </div>
    </div>
  );
}
