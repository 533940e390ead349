<?php
/**
 * Runs one Hostwright module function the way WHMCS does, outside WHMCS, for CI.
 *
 *   php harness.php <Function> <params.json>
 *
 * Defines the few WHMCS pieces the module uses (logModuleCall, WHMCS\Database\Capsule for
 * tblhosting), calls hostwright_<Function>($params) and prints one JSON object:
 * {"result": <what the function returned>, "logs": [...module log rows...], "updates": [...tblhosting writes...]}.
 */

namespace WHMCS\Database {
    /** Just enough of Capsule::table('tblhosting')->where(..)->update([...]): the writes are recorded. */
    final class Capsule
    {
        public static function table(string $table): FakeQuery
        {
            return new FakeQuery($table);
        }
    }

    final class FakeQuery
    {
        private array $where = [];

        public function __construct(private string $table)
        {
        }

        public function where(string $column, mixed $value): self
        {
            $this->where[$column] = $value;
            return $this;
        }

        public function update(array $values): int
        {
            $GLOBALS['harness_updates'][] = ['table' => $this->table, 'where' => $this->where, 'values' => $values];
            return 1;
        }
    }
}

namespace {
    const HOSTWRIGHT_HARNESS = true;
    $GLOBALS['harness_logs'] = [];
    $GLOBALS['harness_updates'] = [];

    /** WHMCS' logModuleCall, with its masking of $replaceVars in what it stores. */
    function logModuleCall($module, $action, $request, $response, $data = '', $replaceVars = [])
    {
        $mask = fn ($text) => is_string($text) ? str_replace(array_filter((array) $replaceVars, fn ($v) => $v !== ''), '********', $text) : $text;
        $GLOBALS['harness_logs'][] = [
            'module' => $module,
            'action' => $action,
            'request' => $mask($request),
            'response' => $mask($response),
            'data' => is_string($data) ? $mask($data) : $mask(json_encode($data)),
        ];
    }

    [$self, $function, $paramsFile] = $argv + [null, null, null];
    if (!$function || !$paramsFile) {
        fwrite(STDERR, "usage: php harness.php <Function> <params.json>\n");
        exit(2);
    }
    require __DIR__ . '/../modules/servers/hostwright/hostwright.php';
    $params = json_decode(file_get_contents($paramsFile), true, 512, JSON_THROW_ON_ERROR);
    $name = 'hostwright_' . $function;
    try {
        $result = in_array($function, ['MetaData', 'ConfigOptions'], true) ? $name() : $name($params);
    } catch (Throwable $e) {
        $result = ['exception' => $e->getMessage()];
    }
    echo json_encode(['result' => $result, 'logs' => $GLOBALS['harness_logs'], 'updates' => $GLOBALS['harness_updates']], JSON_UNESCAPED_SLASHES), "\n";
}
