{if $hw_error}
  <div class="alert alert-warning">{$hw_error|escape}</div>
{else}
  <table class="table">
    <tr><th>Status</th><td>{$hw_status|escape}</td></tr>
    <tr><th>Disk</th><td>{$hw_disk|escape}</td></tr>
    <tr><th>Traffic</th><td>{$hw_traffic|escape}</td></tr>
  </table>
{/if}
