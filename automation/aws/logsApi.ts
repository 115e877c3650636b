/** The CloudWatch Logs call the driver makes (reading a step's job log), behind a small interface; `logsApi(client)` is the real one. */
import { FilterLogEventsCommand, type CloudWatchLogsClient, type FilterLogEventsRequest, type FilterLogEventsResponse } from "@aws-sdk/client-cloudwatch-logs";

export interface LogsApi {
  filterLogEvents(input: FilterLogEventsRequest): Promise<FilterLogEventsResponse>;
}

export function logsApi(client: CloudWatchLogsClient): LogsApi {
  return { filterLogEvents: (input) => client.send(new FilterLogEventsCommand(input)) };
}
