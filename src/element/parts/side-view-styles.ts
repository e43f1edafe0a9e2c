import { css } from 'lit';

/** What the views shown in place of the files (Trash, Find duplicates, Similar) share: the frame and its header. */
export const sideViewStyles = css`
  :host {
    display: flex;
    flex-direction: column;
    min-height: 0;
    overflow: auto;
    padding: 12px 16px;
    gap: 10px;
  }
  header {
    display: flex;
    align-items: center;
    gap: 8px;
  }
  h3 {
    flex: 1;
    margin: 0;
    font-size: 15px;
  }
  p {
    margin: 0;
  }
`;
